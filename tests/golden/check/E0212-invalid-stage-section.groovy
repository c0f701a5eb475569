pipeline {
    agent any
    stages {
        stage('a') {
            def x = 1
            steps {
                echo 'hi'
            }
        }
    }
}
