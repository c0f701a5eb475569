pipeline {
    agent any
    stages {
        stage('a', 'b') {
            steps {
                echo 'hi'
            }
        }
    }
}
