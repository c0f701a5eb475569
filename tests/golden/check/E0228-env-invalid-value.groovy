pipeline {
    agent any
    environment {
        FOO = params.BAR
    }
    stages {
        stage('build') {
            steps {
                echo 'hi'
            }
        }
    }
}
