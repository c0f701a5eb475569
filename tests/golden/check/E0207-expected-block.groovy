pipeline {
    agent any
    environment 'FOO'
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
